/* Arm PrimeCell UART (PL011) registers, from the PL011 TRM (DDI 0183). */
#ifndef DRIVERS_SERIAL_PL011_H
#define DRIVERS_SERIAL_PL011_H

#include <bits.h>

#define PL011_DR 0x000
#define PL011_FR 0x018
#define PL011_FR_RXFE BIT(4)
#define PL011_FR_TXFF BIT(5)
#define PL011_CR 0x030
#define PL011_CR_UARTEN BIT(0)
#define PL011_CR_TXE BIT(8)
#define PL011_CR_RXE BIT(9)

#endif /* DRIVERS_SERIAL_PL011_H */
