"""elearning (top layer): settings, URL map, ASGI routing, home dashboards, demo data, and an app-free toolkit (realtime, consumers) every app may use."""
