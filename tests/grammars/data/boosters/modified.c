#include <stdio.h>
#include "boosterskel.h"

#define QUERY_N_PARS 2

enum outputFields {
	fi_id,            /* Object number, integer */
	fi_mag,           /* Magnitude, real */
};

Field *getTuple(char *inputLine, int recNo)
{
	static Field vals[QUERY_N_PARS];
	char *curCont;
	curCont = strtok(inputLine, "|");
	fieldscanf(curCont, fi_id, VAL_INT);
	curCont = strtok(NULL, "|");
	fieldscanf(curCont, fi_mag, VAL_FLOAT);
	linearTransform(F(fi_mag), 0, 0.001);
	return vals;
}
