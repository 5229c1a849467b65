/* base36.c - see base36.h. */
#include "util/base36.h"

char base36_digit(unsigned long v, int upper)
{
	static const char lower[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	static const char upper_digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	return (upper ? upper_digits : lower)[v % 36];
}
