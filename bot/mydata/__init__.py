"""A person's own data, all of it in one export (NĐ 13/2023 right of access)."""
