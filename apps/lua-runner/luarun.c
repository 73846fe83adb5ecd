/* luarun SCRIPT...: runs Lua scripts (Lua 5.4, fetched from crates.io, lua-src) in one state with the
 * standard libraries. A script that raises an uncaught error prints `luarun: SCRIPT: MESSAGE` and the
 * next one runs. Exit status: the number of scripts that failed, 2 on bad input. */
#include <stdio.h>

#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: luarun SCRIPT...\n");
        return 2;
    }
    lua_State *L = luaL_newstate();
    if (!L) {
        fprintf(stderr, "luarun: cannot create a Lua state (out of memory)\n");
        return 2;
    }
    luaL_openlibs(L);
    printf("luarun: %s\n", LUA_RELEASE);
    int failed = 0;
    for (int i = 1; i < argc; i++) {
        if (luaL_dofile(L, argv[i]) != LUA_OK) {
            printf("luarun: %s: %s\n", argv[i], lua_tostring(L, -1));
            lua_pop(L, 1);
            failed++;
        }
        fflush(stdout);
    }
    lua_close(L);
    return failed;
}
