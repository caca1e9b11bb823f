-- Before loading a revision of all-weeks-global.tsv: raw keeps only the latest revision, and the
-- accepted rows collect in load until they are compared with stage.
DELETE FROM raw.top10_global;
DELETE FROM load.top10_global;
