"""The methods ``@dataclass`` generates, shared by plain classes on a one-file check's path.

Creating a dataclass compiles its ``__init__``, ``__repr__`` and ``__eq__`` from source at import time,
about 0.35 ms a class (issue 18, "start fast"). A class that derives from :class:`Record` (or
:class:`FrozenRecord`), lists its fields in ``_FIELDS`` and writes its ``__init__`` gets the rest from
here, with the behaviour of ``@dataclass`` (``eq=True``; ``frozen=True`` for :class:`FrozenRecord`):
``repr`` as ``Name(field=value, ...)``, equality of the field tuples of two instances of the same class,
no hash (mutable) or the hash of the field tuple and no assignment (frozen).
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
    from dataclasses import FrozenInstanceError  # what @dataclass(frozen=True) raises (an AttributeError)

    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def frozen_delattr(self, name):
    from dataclasses import FrozenInstanceError

    raise FrozenInstanceError(f"cannot delete field {name!r}")


class DataclassFields:
    """``__dataclass_fields__`` of a record class whose fields all have plain defaults or none, built when
    first asked for: ``dataclasses.replace``, ``fields`` and ``is_dataclass`` work on it as on the dataclass
    it replaces, and only a run that uses them imports ``dataclasses`` (the Settings family's interface)."""

    def __init__(self, frozen: bool = False):
        self.frozen = frozen

    def __get__(self, obj, owner):
        import dataclasses

        annotations = owner.__dict__.get("__annotations__", {})
        ns = {
            "__annotations__": {n: annotations.get(n, "object") for n in owner._FIELDS},
            "__module__": owner.__module__,
        }
        ns.update((n, owner.__dict__[n]) for n in owner._FIELDS if n in owner.__dict__)  # the defaults
        shadow = dataclasses.dataclass(frozen=self.frozen)(type(owner.__name__, (), ns))
        fields = shadow.__dataclass_fields__
        type.__setattr__(owner, "__dataclass_fields__", fields)  # once: now a plain class attribute
        type.__setattr__(owner, "__dataclass_params__", shadow.__dataclass_params__)
        return fields


# A field whose default is made per instance (dataclasses' default_factory), not given to __init__.
FACTORY = object()


class Record:
    """Base of a mutable record class (``@dataclass``, ``eq=True``): ``repr`` and equality over ``_FIELDS``,
    unhashable. A subclass lists ``_FIELDS`` and writes its ``__init__``."""

    __slots__ = ()
    _FIELDS: tuple = ()
    __repr__ = fields_repr
    __eq__ = fields_eq
    __hash__ = None


class FrozenRecord:
    """Base of a frozen record class (``@dataclass(frozen=True)``): ``repr``, equality and hash over
    ``_FIELDS``, no assignment (its ``__init__`` sets fields with ``object.__setattr__``)."""

    __slots__ = ()
    _FIELDS: tuple = ()
    __repr__ = fields_repr
    __eq__ = fields_eq
    __hash__ = fields_hash
    __setattr__ = frozen_setattr
    __delattr__ = frozen_delattr
