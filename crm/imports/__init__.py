"""Spreadsheet imports of enterprises, leads, projects and visits: read, map, preview every row, write all or none.

The engine, step by step (each step is a plain function; none commits):

    from crm.imports.opening import read_upload
    from crm.imports.reading import ImportRefused
    from crm.imports.mapping import propose_layout, remember_mapping
    from crm.imports.headers import change_mapping
    from crm.imports.outcomes import ImportOptions, Fate
    from crm.imports.preview import preview_import
    from crm.imports.commit import commit_import

    table = read_upload(data, filename)        # Table; ImportRefused (.message in Chinese) for a file refused:
                                               # not xlsx/xls/csv by content, > 20 MB, a zip bomb, over
                                               # the row or cell limit, unreadable (parsed in a child process)
    layout = propose_layout(table, "projects") # Layout: header_row, columns (index, header, field, unit,
                                               # currency), signature, remembered (a mapping kept for this shape)
    layout = change_mapping(layout, {"甲方": "investor", 5: "total_investment:万元", "备注": None})
    preview = preview_import(table, layout, ImportOptions(duplicates="update", confirm_new=True,
                                                          rates={"USD": Decimal("7.1")}), progress=callback)
        # Preview: rows (RowOutcome: row number as seen, fate NEW / DUPLICATE / ERROR / SKIPPED, label, reasons,
        # warnings, duplicate_of, duplicate_label), counts(), ok, errors, new_teams, new_enterprises,
        # new_industries, needs_confirmation, readings.of(row) (what a row was read as: amounts with their
        # units, dates, the team and enterprise matched; crm/imports/parsed.py), as_dict() for JSON
    result = commit_import(preview, actor=admin, progress=callback)  # ImportResult; ImportRefused when rows are
                                               # in error, new teams/enterprises are unconfirmed, or not an admin
    remember_mapping(layout, admin)            # the confirmed mapping, for the next file of this shape
    db.session.commit()                        # or rollback(): the import is all rows or none

`callback(done, total)` is called every 1,000 rows while checking and while writing. crm/imports/fields.py lists
each kind's fields (name, label, type, required) and the header names they are known by, for a mapping page.
`flask import KIND FILE` (crm/imports/cli.py) runs the same steps from the command line.
"""
