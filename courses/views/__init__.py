"""Course views, by audience: learning, authoring, reference and drills, supervision."""
