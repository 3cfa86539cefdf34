// Worker entry of the Raft thread, with the product's log and network.
import { PRODUCT_PARTS, runRaftThread } from './raft-thread-main.js';

runRaftThread(PRODUCT_PARTS);
