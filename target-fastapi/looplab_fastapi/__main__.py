"""python -m looplab_fastapi. Kept tiny: process-pool children (spawned) re-import this module."""

if __name__ == "__main__":
    from .cli import main

    main()
