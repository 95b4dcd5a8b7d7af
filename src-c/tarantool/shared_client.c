#include "shared_client.h"

#include <stdlib.h>
#include <tarantool/module.h>

#include "core/client.h"

/* The clients let go and waiting for s3_shared_client_reap (module state: the finalizer that
 * lets one go has nowhere else to put it). */
static struct s3_tarantool_client *released;

struct s3_tarantool_client *
s3_shared_client_new(struct s3_client *core, unsigned max_in_flight)
{
	struct s3_tarantool_client *client = calloc(1, sizeof(*client));
	struct fiber_cond *cond = client != NULL ? fiber_cond_new() : NULL;
	if (cond == NULL) {
		free(client);
		s3_client_delete(core);
		return NULL;
	}
	client->core = core;
	client->refs = 1;
	client->next_released = NULL;
	client->max_in_flight = max_in_flight > 0 ? max_in_flight : (unsigned)-1;
	client->connection_freed = cond;
	client->n_spare = 0;
	return client;
}

void
s3_shared_client_ref(struct s3_tarantool_client *client)
{
	client->refs++;
}

void
s3_shared_client_unref(struct s3_tarantool_client *client)
{
	if (client == NULL || --client->refs > 0)
		return;
	client->next_released = released;
	released = client;
}

void
s3_shared_client_reap(void)
{
	while (released != NULL) {
		struct s3_tarantool_client *client = released;
		released = client->next_released;
		/* Every request holds a reference through its caller, so none is in flight here. */
		s3_client_delete(client->core);
		for (unsigned i = 0; i < client->n_spare; i++)
			s3_buf_free(&client->spare[i]);
		/* No fiber waits on it: a waiting request holds a reference. */
		fiber_cond_delete(client->connection_freed);
		free(client);
	}
}

struct s3_buf
s3_shared_client_take_buffer(struct s3_tarantool_client *client)
{
	if (client->n_spare == 0)
		return (struct s3_buf)S3_BUF_INIT;
	return client->spare[--client->n_spare];
}

void
s3_shared_client_give_back_buffer(struct s3_tarantool_client *client, struct s3_buf *buf)
{
	if (buf->cap <= S3_SPARE_BUFFER_MAX && client->n_spare < S3_SPARE_BUFFERS) {
		s3_buf_reset(buf);
		client->spare[client->n_spare++] = *buf;
	} else {
		s3_buf_free(buf);
	}
	*buf = (struct s3_buf)S3_BUF_INIT;
}
