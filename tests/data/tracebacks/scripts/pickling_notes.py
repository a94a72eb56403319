import pickle
import threading

pickle.dumps({"key": (1, 2, threading.Lock())})
