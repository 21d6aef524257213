#include <stdio.h>
#include "boosterskel.h"

#define USAGE "Usage: don't."
#define FIXED_RECORD_SIZE 24
#define QUERY_N_PARS 4

enum outputFields {
	fi_id,            /* Object number, integer */
	fi_ra,            /* RA, double precision */
	fi_mag,           /* Magnitude, real */
	fi_flag,          /* Flag, smallint */
};

Field *getTuple(char *inputLine, int recNo)
{
	static Field vals[QUERY_N_PARS];
	/* Object number (integer) */
	MAKE_INT(fi_id, *(int32_t*)(inputLine+0));
	/* RA (double precision) */
	MAKE_DOUBLE(fi_ra, *(double*)(inputLine+4));
	/* Magnitude (real) */
	MAKE_FLOAT(fi_mag, *(float*)(inputLine+12));
	/* Flag (smallint) */
	MAKE_SHORT(fi_flag, ntohs(*(int16_t*)(inputLine+16)));
	return vals;
}
