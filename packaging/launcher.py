"""PyInstaller's entry script: the bundled `aeviewer` executable is the same CLI as the installed one."""

import sys

from aeviewer.cli import main

if __name__ == "__main__":
    sys.exit(main())
