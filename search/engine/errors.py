"""Which failures mean "the index is broken" (log, queue a rebuild, tell the user) and
which are bugs that must raise.

The index is broken when it cannot be opened (``IndexUnavailable``), when reading its
files fails (an OS or decoding error), or when Whoosh's own code fails mid-read (a
truncated or garbled segment makes its decoders raise whatever they meet: ``KeyError``,
``ValueError``, ...). A failure raised in the project's own code is a bug: it raises,
it does not queue a rebuild.
"""

from __future__ import annotations

import os
import pickle
import struct
import zlib

import whoosh
from whoosh.filedb.filestore import StorageError
from whoosh.filedb.filetables import FileFormatError
from whoosh.index import IndexError as WhooshIndexError
from whoosh.index import LockError

from search.index import IndexUnavailable

INDEX_ERRORS = (
    IndexUnavailable,
    WhooshIndexError,
    LockError,
    StorageError,
    FileFormatError,
    OSError,
    EOFError,
    struct.error,
    zlib.error,
    pickle.UnpicklingError,
)
WHOOSH_DIR = os.path.dirname(whoosh.__file__) + os.sep


def raised_in_whoosh(exc: BaseException) -> bool:
    """True if the innermost frame of ``exc``'s traceback is in Whoosh's code."""
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    return tb.tb_frame.f_code.co_filename.startswith(WHOOSH_DIR)


def is_index_error(exc: BaseException) -> bool:
    """True if ``exc`` says the index (or Whoosh reading it) failed, not our code."""
    return isinstance(exc, INDEX_ERRORS) or raised_in_whoosh(exc)
