"""Campaigns as coordinators run them: editions (open, edit, close), who manages them,
registrant lists and exports, the date and capacity parsers of the /chiendich form."""
