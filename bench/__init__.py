"""Rubric's benchmark: `make bench`, or `python -m bench --sizes 50 500`. Kept out of the
test suite; see README, "Performance"."""

# The benchmark's users, shared by the data generator and the timing client.
PASSWORD = "bench-password"
MANAGER = "bench-manager"
INTERVIEWERS = ["bench-ada", "bench-bo", "bench-cy"]
TRAINEE = "bench-trainee"  # shadows one interview in 50
CURATOR = "bench-curator"  # opens the question admin
