#!/usr/bin/env python
from microcred.manage import main

if __name__ == "__main__":
    main()
