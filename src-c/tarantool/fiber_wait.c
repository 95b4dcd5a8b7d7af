#include "fiber_wait.h"

#include <tarantool/module.h>

#include "core/request.h"

static void
on_request_done(struct s3_request *req, void *arg)
{
	(void)req;
	struct fiber *waiter = arg;
	/* Runs on a reactor fiber, never on the waiter itself. */
	if (waiter != fiber_self())
		fiber_wakeup(waiter);
}

void
s3_fiber_wait_request(struct s3_request *req)
{
	if (s3_request_start(req, on_request_done, fiber_self()) != 0)
		return;
	while (s3_request_state(req) != S3_REQUEST_DONE) {
		if (fiber_is_cancelled()) {
			s3_request_abort(req);
			break;
		}
		/* Woken by on_request_done, by fiber_cancel(), or spuriously by someone's wakeup. */
		fiber_yield();
	}
}
