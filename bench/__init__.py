"""Performance benchmark of the portal (``make bench``): see docs/performance.md."""
