# SPDX-License-Identifier: GPL-2.0
"""tdc settings for colo_compare's tests (selftests/tdc/colo.json).

tdc_config.py does "from tdc_config_local import *": run.sh puts this
directory on PYTHONPATH, so the extracted tc-testing tree stays untouched.
"""
import builtins
import os
import sys

# tdc.py calls the site module's exit(), absent under "python3 -S"
if not hasattr(builtins, 'exit'):
    builtins.exit = sys.exit

# tdc runs every command with env=ENVIR, which is {} by default: tc would
# then not see TC_LIB_DIR (where m_colo.so is) and silently fall back to
# gact.  Pass our environment through.
ENVIR = os.environ.copy()

# $COLOCTL in colo.json: the coloctl binary (absolute path or a name on PATH)
EXTRA_NAMES = {
    'COLOCTL': os.environ.get('COLOCTL') or 'coloctl',
}
