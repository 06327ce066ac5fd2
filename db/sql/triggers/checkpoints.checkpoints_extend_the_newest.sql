CREATE TRIGGER checkpoints_extend_the_newest BEFORE INSERT ON public.checkpoints FOR EACH ROW EXECUTE FUNCTION checkpoints_extend_the_newest();
