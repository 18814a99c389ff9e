"""The methods ``@dataclass`` generates, shared by plain classes on a one-file check's path.

Creating a dataclass compiles its ``__init__``, ``__repr__`` and ``__eq__`` from source at import time,
about 0.35 ms a class (issue 18, "start fast"). A class that lists its fields in ``_FIELDS`` and writes its
``__init__`` gets the rest from here, with the behaviour of ``@dataclass`` (``eq=True``; ``frozen=True``
where it says so): ``repr`` as ``Name(field=value, ...)``, equality of the field tuples of two instances
of the same class, no hash (mutable) or the hash of the field tuple and no assignment (frozen).
"""

from __future__ import annotations


def fields_repr(self) -> str:
    return f"{self.__class__.__qualname__}({', '.join(f'{n}={getattr(self, n)!r}' for n in self._FIELDS)})"


def fields_eq(self, other):
    if other.__class__ is self.__class__:
        names = self._FIELDS
        return tuple(getattr(self, n) for n in names) == tuple(getattr(other, n) for n in names)
    return NotImplemented


def fields_hash(self) -> int:
    return hash(tuple(getattr(self, n) for n in self._FIELDS))


def frozen_setattr(self, name, value):
    raise AttributeError(f"cannot assign to field {name!r}")


def frozen_delattr(self, name):
    raise AttributeError(f"cannot delete field {name!r}")


# A field whose default is made per instance (dataclasses' default_factory), not given to __init__.
FACTORY = object()
