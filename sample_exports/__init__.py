"""The sample generator: CRM, ERP and planning exports to try the pipeline on."""
