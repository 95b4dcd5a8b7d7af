package = 's3'
version = 'scm-1'
source = {
    url = 'git+file://.',
    branch = 'main',
}
description = {
    summary = 'Non-blocking S3 client for Tarantool: streams objects to and from files without blocking the event loop',
    license = 'BSD-2-Clause',
}
dependencies = {
    'tarantool',
}
external_dependencies = {
    TARANTOOL = {
        header = 'tarantool/module.h',
    },
}
build = {
    type = 'cmake',
    variables = {
        CMAKE_BUILD_TYPE = 'RelWithDebInfo',
        TARANTOOL_DIR = '$(TARANTOOL_DIR)',
        TARANTOOL_INSTALL_LIBDIR = '$(LIBDIR)',
        TARANTOOL_INSTALL_LUADIR = '$(LUADIR)',
    },
}
