from skypilot_temporal.starter import main

main()
