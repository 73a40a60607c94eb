/* Status names and the thread-local error message. */
#include "test_support.h"

#include <string.h>

#include "core/status_internal.h"

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(wr_status_name(WR_OK), "WR_OK");
    assert_string_equal(wr_status_name(WR_ERR_BUDGET), "WR_ERR_BUDGET");
    assert_string_equal(wr_status_name(WR_ERR_PARSE), "WR_ERR_PARSE");
    assert_string_equal(wr_status_name((wr_status)999), "WR_ERR_UNKNOWN");
}

static void test_message(void **state)
{
    (void)state;
    wr_clear_error();
    assert_string_equal(wr_last_error(), "");
    assert_int_equal(WR_FAIL(WR_ERR_INVALID_ARGUMENT, "bytes is %d", 0), WR_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(wr_last_error(), "test_message: bytes is 0"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_names), cmocka_unit_test(test_message)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
