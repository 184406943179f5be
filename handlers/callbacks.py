"""Moved to :mod:`bot.callbacks` (the callback-data codec is part of the core).

Temporary alias while the feature modules move their imports; removed at the end of
issue 11's layout work.
"""

import sys

from bot import callbacks as _moved

sys.modules[__name__] = _moved
