#include <stdio.h>
#include "boosterskel.h"

#define QUERY_N_PARS 5

enum outputFields {
	fi_id,            /* Object number, integer */
	fi_ra,            /* RA, double precision */
	fi_mag,           /* Magnitude, real */
	fi_name,          /* Name, text */
	fi_flag,          /* Flag, boolean */
};

Field *getTuple(char *inputLine, int recNo)
{
	static Field vals[QUERY_N_PARS];
	char nameSpace[20];

	parseInt(inputLine, F(fi_id), 0, 4);
	parseDouble(inputLine, F(fi_ra), 4, 8);
	parseFloatWithMagicNULL(inputLine, F(fi_mag), 12, 6, "-99.0");
	parseString(inputLine, F(fi_name), 19, 15, nameSpace);
	parseBlankBoolean(inputLine, F(fi_flag), 34);
	return vals;
}
