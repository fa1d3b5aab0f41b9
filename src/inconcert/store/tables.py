"""Helpers for the result tables analyses keep in the workspace."""

from __future__ import annotations

SIGNIFICANT_DIGITS = 12
_FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL")


def settle_floats(con, table: str, digits: int = SIGNIFICANT_DIGITS) -> None:
    """Round every floating-point column of `table` to `digits` significant digits.

    A parallel engine adds floating-point numbers in whatever order its threads finish, so
    two runs on the same data can differ in the last bit or two; rounding far below any
    meaningful precision makes a re-run (after a crash, say) give the very same workspace.
    """
    columns = con.execute(f'DESCRIBE "{table}"').fetchall()
    replaced = []
    for name, column_type, *_ in columns:
        if column_type in _FLOAT_TYPES:
            quoted = '"' + name.replace('"', '""') + '"'
            replaced.append(
                f"CASE WHEN {quoted} = 0 OR NOT isfinite({quoted}) THEN {quoted} "
                f"ELSE round({quoted}, {digits - 1} - CAST(floor(log10(abs({quoted}))) AS INTEGER)) END AS {quoted}"
            )
    if replaced:
        con.execute(f'CREATE OR REPLACE TABLE "{table}" AS SELECT * REPLACE ({", ".join(replaced)}) FROM "{table}"')


_FIXED_POINT = 10**12


def exact_sum(term: str) -> str:
    """SQL for a sum that does not depend on the order a parallel engine adds in: each term
    is rounded to a fixed point of 1e-12 and added as a 128-bit integer, so a re-run gives
    the very same value (rounding the float sum afterwards still differs when it falls
    on a rounding boundary)."""
    return f"CAST(sum(CAST(round(({term}) * {_FIXED_POINT}) AS HUGEINT)) AS DOUBLE) / {_FIXED_POINT}"


def table_exists(con, name: str) -> bool:
    """Whether the workspace holds a table of this name (an analysis has been run)."""
    return bool(
        con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ? AND table_schema = 'main'", [name]
        ).fetchall()[0][0]
    )
