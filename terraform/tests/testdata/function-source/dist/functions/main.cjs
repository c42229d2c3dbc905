// stand-in for the staged build; terraform/source.tf only checks that it exists
