# SPDX-License-Identifier: BSD-3-Clause
"""The checks of ctest/run_mode.py, one module per concern (see its --help)."""
