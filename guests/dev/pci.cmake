# PCI configuration mechanism #1 and bus 0 (devices/pci.c).
bt386_add_guest(dev_pci ${CMAKE_CURRENT_LIST_DIR}/dev_pci.c)
bt386_guest_test(dev_pci)
