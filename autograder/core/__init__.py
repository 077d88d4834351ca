"""The grading core: assignment and test-file format, engine, worker and its
protocol, plain data, results and reports. Imports the sandbox, never a verb."""
