"""LTI 1.3 / LTI Advantage tool (docs/lti.md, decision 0030): microcred as a tool an LMS launches.

``messages`` holds the standard's shapes without Django; ``transport`` the HTTP calls to platforms; ``services``
the writes (registration, login state, launches, sign-in, scores); ``views`` the thin endpoints."""
