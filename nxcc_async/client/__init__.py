"""The NXCC client: :class:`AsyncNXCC`, its resources, and the blocking mirror ``NXCC``."""
