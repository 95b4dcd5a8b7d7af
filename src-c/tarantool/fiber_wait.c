#include "fiber_wait.h"

#include <stdio.h>
#include <tarantool/module.h>

#include "core/error.h"
#include "core/request.h"
#include "tarantool/shared_client.h"

/* fiber_cond_wait_timeout() needs a bound; a wait without a deadline ends by a signal. */
#define WAIT_UNBOUNDED (100.0 * 365 * 86400)

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
s3_fiber_wait_request(struct s3_request *req, double idle_timeout, const struct s3_fiber_io *io)
{
	/* A source reads its first bytes ahead before the request goes out. */
	if (io != NULL && io->pending(io->self))
		io->run(io->self);
	if (s3_request_start(req, on_request_done, fiber_self()) != 0)
		return;
	/* Looks at the request's last byte a few times per idle bound (at least every second). */
	double check_every = idle_timeout > 0 ? (idle_timeout / 4 < 1.0 ? idle_timeout / 4 : 1.0) : 0;
	while (s3_request_state(req) != S3_REQUEST_DONE) {
		if (fiber_is_cancelled()) {
			s3_request_abort(req);
			break;
		}
		if (idle_timeout > 0 && s3_request_idle_seconds(req) >= idle_timeout) {
			char message[128];
			snprintf(message, sizeof(message),
				 "the connection stalled: no data moved for %g s (idle_timeout)", idle_timeout);
			s3_request_abort_with(req, S3_ERR_TIMEOUT, message);
			break;
		}
		if (io != NULL && io->pending(io->self)) {
			io->run(io->self);
			continue;
		}
		/* Woken by on_request_done, by the sink or source with work, by fiber_cancel(), or
		 * spuriously by someone's wakeup. */
		if (check_every > 0)
			fiber_sleep(check_every);
		else
			fiber_yield();
	}
}

int
s3_fiber_take_connection(struct s3_tarantool_client *client, long *timeout_ms, struct s3_error *err)
{
	/* Newcomers queue behind waiters, so a freed connection goes to the one waiting longest. */
	if (client->in_flight < client->max_in_flight && client->waiting == 0) {
		client->in_flight++;
		return 0;
	}
	double started = clock_monotonic();
	double limit = *timeout_ms > 0 ? (double)*timeout_ms / 1000.0 : WAIT_UNBOUNDED;
	int rc = 0;
	client->waiting++;
	while (client->in_flight >= client->max_in_flight) {
		double left = limit - (clock_monotonic() - started);
		if (fiber_is_cancelled()) {
			s3_error_set(err, S3_ERR_CANCELLED, 0, "%s", "the request was cancelled");
			rc = -1;
			break;
		}
		if (left <= 0) {
			s3_error_set(err, S3_ERR_TIMEOUT, 0,
				     "the deadline passed while waiting for a free connection "
				     "(all %u of max_connections busy)", client->max_in_flight);
			rc = -1;
			break;
		}
		fiber_cond_wait_timeout(client->connection_freed, left);
	}
	client->waiting--;
	if (rc != 0) {
		/* A signal meant for us must not be lost to those still waiting. */
		if (client->in_flight < client->max_in_flight)
			fiber_cond_signal(client->connection_freed);
		return -1;
	}
	client->in_flight++;
	if (*timeout_ms > 0) {
		long waited_ms = (long)((clock_monotonic() - started) * 1000.0);
		if (*timeout_ms - waited_ms < 1) {
			s3_fiber_give_back_connection(client);
			s3_error_set(err, S3_ERR_TIMEOUT, 0, "%s",
				     "the deadline passed while waiting for a free connection");
			return -1;
		}
		*timeout_ms -= waited_ms;
	}
	return 0;
}

struct s3_request *
s3_fiber_new_request(struct s3_tarantool_client *client, const struct s3_request_spec *spec,
		     struct s3_error *err)
{
	struct s3_request_spec timed = *spec;
	if (timed.timeout_ms < 0)
		timed.timeout_ms = client->core->timeout_ms;
	if (s3_fiber_take_connection(client, &timed.timeout_ms, err) != 0)
		return NULL;
	struct s3_request *req = s3_request_new(client->core, &timed, err);
	if (req == NULL)
		s3_fiber_give_back_connection(client);
	return req;
}

void
s3_fiber_give_back_connection(struct s3_tarantool_client *client)
{
	client->in_flight--;
	if (client->waiting > 0)
		fiber_cond_signal(client->connection_freed);
}
