import sys

from ecomops_lab.cli import main

sys.exit(main())
