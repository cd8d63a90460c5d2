/* heapcheck.h: is the C heap still usable after a cell was cut short?
 *
 * A cell that corrupts the heap makes glibc abort inside malloc while it
 * holds an arena's lock; the guard turns the SIGABRT into an error, but the
 * lock stays held, and the kernel's next malloc would wait forever with the
 * heartbeat still beating.  An interrupt forced inside malloc does the same.
 * So after such a jump the guard asks a thread started at start-up (it needs
 * no allocation to be asked) to take every arena's lock; no answer within
 * the timeout means the heap is lost, and the kernel exits so that the client
 * restarts it instead of waiting on it. */
#ifndef SELI_KERNEL_HEAPCHECK_H
#define SELI_KERNEL_HEAPCHECK_H

/* Start the checking thread.  0 on success. */
int heapcheck_init(void);

/* 1 if every malloc arena could be locked and released within timeout_ms
 * (or heapcheck_init was not called), else 0.  Allocates nothing. */
int heapcheck_usable(int timeout_ms);

#endif
