# The 8259A pair and the ELCR (devices/pic8259.c) at register level: masks,
# OCW3 reads and poll, EOIs, ICW sequences, AEOI, with IRQ 0 from the PIT
# as the request source (so bt386 passes it once the PIT runs too).
bt386_add_guest(dev_pic dev_pic.c)
bt386_guest_test(dev_pic)
