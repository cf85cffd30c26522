"""Core statements compiled once per dialect and run straight on the DBAPI cursor.

For the few statements that every kiosk tap runs: SQLAlchemy spends about 80 µs a call setting up
the execution of even a cached statement, as long as SQLite takes to run it. Values still go through
the column types' own bind and result processors, so they are written and read exactly as through
SQLAlchemy; the statement runs on the connection (and in the transaction) SQLAlchemy holds.
"""

from __future__ import annotations

from collections import namedtuple

from sqlalchemy.engine import Connection


class Prepared:
    """One statement compiled for one dialect and one set of parameter names."""

    def __init__(self, statement, dialect, keys) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys))
        if any(bind.expanding for bind in compiled.binds.values()):
            raise ValueError("IN lists are expanded at execution time; run this statement through SQLAlchemy")
        self.sql = compiled.string
        self.constants = {  # values written into the statement itself, such as status == 'active'
            name: bind.effective_value for name, bind in compiled.binds.items() if name not in keys
        }
        self.order = list(compiled.positiontup) if compiled.positional else None
        self.bind_processors = {
            name: processor
            for name, bind in compiled.binds.items()
            if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
        }
        # A SELECT's or a RETURNING's columns; a textual statement's are known only once it has run.
        columns = getattr(statement, "exported_columns", None)
        self.returns_rows = None if columns is None else bool(columns)
        self.result_processors = [
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns or ()
        ]
        self.row_type = namedtuple("Row", [c.key for c in columns], rename=True) if columns else None

    def run(self, connection: Connection, params: dict) -> list:
        """Execute with one set of parameters; the rows it returns, as named tuples."""
        processors = self.bind_processors
        values = {**self.constants, **params}
        values = {name: processors[name](v) if name in processors else v for name, v in values.items()}
        if self.order is not None:
            values = [values[name] for name in self.order]
        cursor = connection.connection.dbapi_connection.cursor()
        try:
            cursor.execute(self.sql, values)
            # Asking the cursor for its description costs psycopg a list of new objects per call.
            if self.returns_rows is False or (self.returns_rows is None and cursor.description is None):
                return []
            if self.row_type is None:
                self.row_type = namedtuple("Row", [d[0] for d in cursor.description], rename=True)
            processors = self.result_processors or [None] * len(cursor.description)
            return [
                self.row_type(*(p(v) if p else v for p, v in zip(processors, raw, strict=True)))
                for raw in cursor.fetchall()
            ]
        finally:
            cursor.close()
