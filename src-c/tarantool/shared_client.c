#include "shared_client.h"

#include <stdlib.h>

#include "core/client.h"

struct s3_tarantool_client *
s3_shared_client_new(struct s3_client *core)
{
	struct s3_tarantool_client *client = malloc(sizeof(*client));
	if (client == NULL) {
		s3_client_delete(core);
		return NULL;
	}
	client->core = core;
	client->refs = 1;
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
	/* Every request holds a reference through its caller, so none is in flight here. */
	s3_client_delete(client->core);
	free(client);
}
