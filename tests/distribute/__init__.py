# A process-exit abort seen now and then (one of four clean-clone CI runs on 2026-12-07), after every
# rank had written all its results: a C++ thread of torch's process group still joinable when the
# interpreter exits, although tkeras meets at a barrier and destroys the group at exit
# (distribute/runtime.shutdown). The cause is not found; the 2-process tests run once more, whole.
TEARDOWN_ABORT = "terminate called without an active exception"
