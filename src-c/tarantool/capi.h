/* The C API (s3-tarantool.h) as the binding hands it out. */
#ifndef S3_TARANTOOL_CAPI_H
#define S3_TARANTOOL_CAPI_H

#include "s3-tarantool.h"

/* Why a transfer is refused inside a transaction or a trigger, where no fiber may yield. */
#define S3_NO_YIELD_MESSAGE \
	"cannot run inside a transaction or a box trigger (a transfer yields): " \
	"start it in a fiber of its own (fiber.create) instead"

/* Remembers the calling thread as the only one the API may be used from; once, at load. */
void s3_capi_init(void);
const struct s3_tarantool_api *s3_capi_get(void);
/* The client s3.cfg made (NULL: none); the previous one is released. */
void s3_capi_set_default_client(struct s3_tarantool_client *client);

#endif
