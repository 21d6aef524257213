#include <stdio.h>
#include "boosterskel.h"
#include <fitsio.h>

#define QUERY_N_PARS 3

enum outputFields {
	fi_id,            /* Object number, integer */
	fi_flux,          /* Flux, real */
	fi_note,          /* Note, text */
};

Field *getTuple(void *data[], char *nulls[], int rowIndex)
{
	static Field vals[QUERY_N_PARS];

	/* Object number (integer) */
	if (nulls[0][rowIndex]) {
		MAKE_NULL(fi_id);
	} else {
		MAKE_INT(fi_id, ((long*)(data[0]))[rowIndex]);
	}
	/* Flux (real) */
	if (nulls[2][rowIndex]) {
		MAKE_NULL(fi_flux);
	} else {
		MAKE_FLOAT(fi_flux, ((float*)(data[2]))[rowIndex]);
	}
	MAKE_NULL(fi_note); /* MAKE_TEXT(fi_note, FILL IN VALUE); */
	return vals;
}
