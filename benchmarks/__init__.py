"""Benchmarks of nxcc_async against the local emulator (loopback only).

Run ``python -m benchmarks`` (all) or ``python -m benchmarks harvest memory`` (some). Every
figure is a ratio against a baseline measured in the same run; see ``docs/benchmarks.md``.
"""
