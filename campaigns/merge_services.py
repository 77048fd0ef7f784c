"""Merging two records of one person or body that were entered twice under different spellings.

Everything that points at the duplicate is found from the model's relations (hidden ones
included, so a relation added later is covered without touching this module), moved to the
survivor, and the duplicate is deleted: its events, kinships, citations, participations and
change history all follow the survivor, and its names stay searchable as other spellings.
"""

import copy
import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import formats
from django.utils.translation import gettext as _

from campaigns.models import Relative
from detentions.duplicates import names_of
from detentions.models import Detainee, Facility, Institution, Official
from detentions.models.searchable import lines

# What may be merged, by the name used in addresses (`/staff/merge/<name>/<pk>/`).
MERGEABLE: dict[str, type[models.Model]] = {
    model._meta.model_name: model for model in (Detainee, Facility, Institution, Official, Relative)
}

# simple-history's change reason column.
REASON_LENGTH = 100


class MergeRefused(Exception):
    """The two records cannot be merged; the message says why, in words staff read."""


@dataclass
class Move:
    label: str
    count: int


@dataclass
class MergePlan:
    """What a merge will do, for staff to check before confirming."""

    moves: list[Move]
    history_count: int
    names: list[str]  # the duplicate's names the survivor gains as other spellings
    taken: list[tuple[str, object]] = field(default_factory=list)  # blank fields filled
    not_kept: list[tuple[str, object]] = field(default_factory=list)  # the survivor's kept


def check_mergeable(survivor: models.Model, duplicate: models.Model) -> None:
    if type(survivor) is not type(duplicate) or type(survivor) not in MERGEABLE.values():
        raise MergeRefused(_("Only two records of the same kind can be merged."))
    if survivor.pk == duplicate.pk:
        raise MergeRefused(_("A record cannot be merged with itself."))
    if isinstance(survivor, Detainee) and survivor.case_id != duplicate.case_id:
        raise MergeRefused(
            _(
                "These two people belong to different cases, so they cannot be merged: a person "
                "detained twice has a record in each case. Merge only records of the same case."
            )
        )


def plan(survivor: models.Model, duplicate: models.Model) -> MergePlan:
    """What `merge()` would move and change; it reads, and writes nothing."""
    check_mergeable(survivor, duplicate)
    moves = [
        Move(_relation_label(relation), count)
        for relation in _relations(type(survivor))
        if not _is_history(relation.related_model)
        and (count := _pointing_at(relation, duplicate).count())
    ]
    taken, names = _take_from(duplicate, copy.copy(survivor))
    return MergePlan(
        moves=moves,
        history_count=duplicate.history.count(),
        names=names,
        taken=[(f.verbose_name, _shown(duplicate, f)) for f in taken],
        not_kept=[(f.verbose_name, _shown(duplicate, f)) for f in _not_kept(survivor, duplicate)],
    )


@transaction.atomic
def merge(
    survivor: models.Model, duplicate: models.Model, *, user: AbstractBaseUser
) -> models.Model:
    """Move everything of `duplicate` to `survivor`, then delete `duplicate`; all or nothing.

    Rows that would repeat one the survivor already has (the same relative twice on a detainee,
    the same detainee twice on a visit) are dropped when they only existed for the duplicate's
    sake; any other clash refuses the merge (`MergeRefused`) and nothing is changed.
    """
    check_mergeable(survivor, duplicate)
    model = type(survivor)
    locked = model._base_manager.select_for_update().in_bulk([survivor.pk, duplicate.pk])
    if len(locked) < 2:
        raise MergeRefused(_("One of the two records was deleted in the meantime."))
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]

    for relation in _relations(model):
        _move(relation, survivor, duplicate)
    taken, _names = _take_from(duplicate, survivor)
    for model_field in taken:
        if model_field.unique:
            # A one-to-one (a relative's account) belongs to one record at a time.
            model._base_manager.filter(pk=duplicate.pk).update(**{model_field.attname: None})
            setattr(duplicate, model_field.attname, None)
    try:
        survivor.clean()
    except ValidationError as error:
        raise MergeRefused(" ".join(error.messages)) from error

    # The duplicate's change history becomes the survivor's; its deletion stays on its own.
    pk = model._meta.pk.attname
    model.history.filter(**{pk: duplicate.pk}).update(**{pk: survivor.pk})
    duplicate._history_user = user
    duplicate._change_reason = _reason(_("Merged into %(record)s"), survivor)
    duplicate.delete()

    if hasattr(survivor, "version"):
        # Forms open on either record are now out of date: their saves are refused (409).
        survivor.version = max(survivor.version, duplicate.version) + 1
    survivor._history_user = user
    survivor._change_reason = _reason(_("Merged with %(record)s"), duplicate)
    survivor.save()
    return survivor


def _relations(model: type[models.Model]) -> list[models.ForeignObjectRel]:
    """Every foreign key and one-to-one pointing at `model`, hidden ones (`related_name="+"`)
    included. A many-to-many is moved through its table's foreign key, which is listed too."""
    return [
        relation
        for relation in model._meta.get_fields(include_hidden=True)
        if relation.auto_created
        and not relation.concrete
        and (relation.one_to_many or relation.one_to_one)
    ]


def _is_history(model: type[models.Model]) -> bool:
    return getattr(model, "instance_type", None) is not None


def _pointing_at(relation: models.ForeignObjectRel, record: models.Model) -> models.QuerySet:
    return relation.related_model._base_manager.filter(**{relation.field.attname: record.pk})


def _relation_label(relation: models.ForeignObjectRel) -> str:
    """ "Consular visits: detainees seen", "Official contacts: institution"."""
    table = relation.related_model._meta
    if table.auto_created:
        # A many-to-many's own table: named after the relation it holds.
        owner = table.auto_created._meta
        m2m = next(f for f in owner.many_to_many if f.remote_field.through._meta is table)
        return f"{owner.verbose_name_plural}: {m2m.verbose_name}"
    return f"{table.verbose_name_plural}: {relation.field.verbose_name}"


def _move(relation: models.ForeignObjectRel, survivor: models.Model, duplicate: models.Model):
    rows = _pointing_at(relation, duplicate)
    fk = relation.field
    table = relation.related_model
    if table is type(survivor):
        # A record's parent (an institution's): the survivor cannot become its own parent.
        rows = rows.exclude(pk=survivor.pk)
        if getattr(survivor, fk.attname) == duplicate.pk:
            inherited = getattr(duplicate, fk.attname)
            inherited = None if inherited == survivor.pk else inherited
            setattr(survivor, fk.attname, inherited)
            table._base_manager.filter(pk=survivor.pk).update(**{fk.attname: inherited})
    if _is_history(table) or not _unique_with(fk):
        rows.update(**{fk.attname: survivor.pk})
        return
    for row in list(rows):
        setattr(row, fk.attname, survivor.pk)
        if not _clashes(row, fk):
            table._base_manager.filter(pk=row.pk).update(**{fk.attname: survivor.pk})
        elif fk.remote_field.on_delete is models.CASCADE:
            # It would have gone with the duplicate anyway, and the survivor has its like.
            setattr(row, fk.attname, duplicate.pk)
            row.delete()
        else:
            raise MergeRefused(
                _(
                    "Both records are linked to a %(what)s (“%(row)s”) that only one of them "
                    "may have. Change or remove one of the two links first, then merge."
                )
                % {"what": table._meta.verbose_name, "row": row}
            )


def _unique_with(fk: models.ForeignKey) -> bool:
    """Whether the foreign key is part of a uniqueness rule of its table."""
    meta = fk.model._meta
    return (
        fk.unique
        or any(fk.name in fields for fields in meta.unique_together)
        or any(
            isinstance(constraint, models.UniqueConstraint) and fk.name in constraint.fields
            for constraint in meta.constraints
        )
    )


def _clashes(row: models.Model, fk: models.ForeignKey) -> bool:
    """Whether `row`, now pointing at the survivor, repeats a row the survivor already has."""
    table = type(row)
    others = table._base_manager.exclude(pk=row.pk)
    if fk.unique:
        return others.filter(**{fk.attname: getattr(row, fk.attname)}).exists()
    for fields in table._meta.unique_together:
        if fk.name in fields:
            values = {table._meta.get_field(name).attname: None for name in fields}
            values = {attname: getattr(row, attname) for attname in values}
            # NULLs never clash in the database.
            if None not in values.values() and others.filter(**values).exists():
                return True
    for constraint in table._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and fk.name in constraint.fields:
            try:
                constraint.validate(table, row)
            except ValidationError:
                return True
    return False


def _mergeable_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        model_field
        for model_field in model._meta.concrete_fields
        if model_field.editable
        and not model_field.primary_key
        and model_field.name != "other_names"
    ]


def _blank(value: object) -> bool:
    return value is None or value == ""


def _take_from(duplicate: models.Model, survivor: models.Model) -> tuple[list, list[str]]:
    """Give `survivor` (in memory) the duplicate's values for its blank fields, the duplicate's
    notes below its own, and the duplicate's names as other spellings; return the fields
    changed and the names added. Nothing else of the duplicate is kept."""
    model = type(survivor)
    taken = []
    for model_field in _mergeable_fields(model):
        mine = getattr(survivor, model_field.attname)
        theirs = getattr(duplicate, model_field.attname)
        if _blank(theirs) or mine == theirs or _is_survivor(model_field, theirs, survivor):
            continue
        if _blank(mine) and not (model_field.unique and not model_field.null):
            setattr(survivor, model_field.attname, theirs)
        elif isinstance(model_field, models.TextField):
            setattr(survivor, model_field.attname, f"{mine}\n\n{theirs}")
        else:
            continue
        taken.append(model_field)
    known = {name.casefold() for name in names_of(survivor)}
    names = [name for name in names_of(duplicate) if name.casefold() not in known]
    if names:
        survivor.other_names = "\n".join([*lines(survivor.other_names), *names])
    return taken, names


def _is_survivor(model_field: models.Field, value: object, survivor: models.Model) -> bool:
    """An institution whose parent is the survivor: that is no value to take."""
    return (
        model_field.is_relation
        and model_field.related_model is type(survivor)
        and (value == survivor.pk)
    )


def _not_kept(survivor: models.Model, duplicate: models.Model) -> list[models.Field]:
    """The duplicate's values that differ from the survivor's and are dropped in its favour
    (its names are not: they are kept as other spellings)."""
    preview = copy.copy(survivor)
    taken, _names = _take_from(duplicate, preview)
    names = {name.casefold() for name in names_of(preview)}
    return [
        model_field
        for model_field in _mergeable_fields(type(survivor))
        if model_field not in taken
        and not _blank(theirs := getattr(duplicate, model_field.attname))
        and theirs != getattr(survivor, model_field.attname)
        and not _is_survivor(model_field, theirs, survivor)
        and not (isinstance(theirs, str) and theirs.casefold() in names)
    ]


def _shown(record: models.Model, model_field: models.Field) -> object:
    """A field's value as staff read it: a choice's label, a linked record's name, yes or no."""
    value = getattr(record, model_field.attname)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.date):
        return formats.date_format(value)
    if model_field.choices:
        return getattr(record, f"get_{model_field.name}_display")()
    if model_field.is_relation:
        return str(getattr(record, model_field.name))
    return value


def _reason(text: str, record: models.Model) -> str:
    return (text % {"record": record})[:REASON_LENGTH]
