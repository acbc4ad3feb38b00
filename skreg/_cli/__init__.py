"""The command line: the only part of skreg that talks to the terminal.

``main`` parses the arguments and prints; ``data`` reads the data; ``study``
and ``capacity`` run the two studies, whose reports ``study_report`` and
``capacity_report`` build and ``report`` writes.
"""
