"""Shared machinery: transport, throttle, retries, errors, records converter, portal."""
