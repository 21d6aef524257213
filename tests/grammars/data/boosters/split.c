#include <stdio.h>
#include <math.h>
#include <string.h>
#include <errno.h>
#include "boosterskel.h"

#define USAGE "Usage: don't."
/* delete the next line for POSIX strtok */
#define strtok strtok_u
#define QUERY_N_PARS 4

enum outputFields {
	fi_id,            /* Object number, integer */
	fi_ra,            /* RA, double precision */
	fi_mag,           /* Magnitude, real */
	fi_name,          /* Name, text */
};

Field *getTuple(char *inputLine, int recNo)
{
	static Field vals[QUERY_N_PARS];
	char *curCont;
	curCont = strtok(inputLine, "|");
	fieldscanf(curCont, fi_id, VAL_INT);
	curCont = strtok(NULL, "|");
	fieldscanf(curCont, fi_ra, VAL_DOUBLE);
	curCont = strtok(NULL, "|");
	fieldscanf(curCont, fi_mag, VAL_FLOAT);
	curCont = strtok(NULL, "|");
	F(fi_name)->type = VAL_TEXT;
	F(fi_name)->length = strlen(curCont);
	F(fi_name)->val.c_ptr = curCont;
	curCont = strtok(NULL, "|");
	return vals;
}

/* the main function of the booster follows here in real boosters */
