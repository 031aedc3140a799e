"""Fast multi-row INSERTs for the big writes (scale data, evaluation's awards and audit events).

Django's bulk_create spends most of its time preparing each value of each row; at 100,000s of rows that is
minutes. These helpers convert values per column type once and hand the rows to the driver.
"""
from __future__ import annotations

import datetime as dt
import json

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max


class Inserter:
    """INSERT … VALUES with executemany, for the big tables: Django's bulk_create spends most of its time preparing
    each value, which at 100,000s of rows is minutes. Values are converted per column type once; every column the
    row does not give gets the field's default (``auto_now`` fields: now). Primary keys are given by the caller
    (``next_id``) so rows can refer to each other without reading them back; ``finish`` resets the sequences."""

    def __init__(self, now: dt.datetime):
        self.now = now
        self.sqlite = connection.vendor == "sqlite"
        self.touched: set = set()
        self._ids: dict = {}

    def next_id(self, model, count: int) -> int:
        if model not in self._ids:
            self._ids[model] = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        first = self._ids[model]
        self._ids[model] += count
        return first

    def _convert(self, field):
        if isinstance(field, models.DateTimeField):
            if self.sqlite:
                return lambda v: None if v is None else v.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(" ")
            return None
        if isinstance(field, models.JSONField):
            return lambda v: json.dumps(v)
        if isinstance(field, models.UUIDField):
            return (lambda v: v.hex) if self.sqlite else None
        return None

    def _columns(self, model, example: dict):
        given = set(example)
        columns, getters = [], []
        for f in model._meta.concrete_fields:
            if f.primary_key and f.attname not in given:
                continue
            if f.attname in given:
                default, present = None, True
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                default, present = self.now, False
            else:  # the declared default, else "" for text and None for nullable columns, as Django would
                default, present = f.get_default(), False
            columns.append(f.column)
            getters.append((f.attname, present, default, self._convert(f)))
        return columns, getters

    @staticmethod
    def _values(rows: list[dict], getters) -> list[list]:
        values = []
        for row in rows:
            out = []
            for name, present, default, convert in getters:
                v = row[name] if present else default
                out.append(convert(v) if convert is not None and v is not None else v)
            values.append(out)
        return values

    def insert(self, model, rows: list[dict]) -> None:
        if not rows:
            return
        columns, getters = self._columns(model, rows[0])
        qn = connection.ops.quote_name
        sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "
               f"VALUES ({', '.join(['%s'] * len(columns))})")
        with connection.cursor() as cursor:
            cursor.executemany(sql, self._values(rows, getters))
        self.touched.add(model)

    def finish(self) -> None:
        sql = connection.ops.sequence_reset_sql(no_style(), list(self.touched))
        if sql:
            with connection.cursor() as cursor:
                for statement in sql:
                    cursor.execute(statement)

    def insert_returning(self, model, rows: list[dict], *, batch: int = 500) -> list:
        """Insert rows and return their new primary keys in order (INSERT … RETURNING; SQLite 3.35+, PostgreSQL)."""
        ids = []
        columns, getters = self._columns(model, rows[0]) if rows else ([], [])
        qn = connection.ops.quote_name
        one = f"({', '.join(['%s'] * len(columns))})"
        for start in range(0, len(rows), batch):
            part = rows[start:start + batch]
            sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "
                   f"VALUES {', '.join([one] * len(part))} RETURNING {qn(model._meta.pk.column)}")
            params = [value for row in self._values(part, getters) for value in row]
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                ids += [r[0] for r in cursor.fetchall()]
        return ids

