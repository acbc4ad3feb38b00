"""The command line: the only part of skreg that talks to the terminal.

- ``main``: argument parsing, progress and the printed tables;
- ``data``: the bundled datasets and CSV reading;
- ``study``: the penalty study (every penalty x alpha, cross-validated);
- ``study_report``: its table, figures and report folder;
- ``capacity``: the polynomial capacity study;
- ``capacity_report``: its table, figures and report folder;
- ``report``: report folders in general (tables, PNG figures, report.html).
"""
