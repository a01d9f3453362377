"""The test rig shared by every app's tests: live servers, browsers, SMTP, query counting."""
