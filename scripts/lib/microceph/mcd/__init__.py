"""The lab's MicroCeph stand-in: MicroCeph's REST API over real Debian Ceph daemons (see ../README.md)."""
